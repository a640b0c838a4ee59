/**
 * The built-in local CA ({@code autotls.ca=local}, and local names when no CA is set): a root and an
 * intermediate kept in the store, so every instance of a cluster issues under the same root, and an
 * {@link dev.autotls.internal.acme.Issuer} that signs short-lived certificates for local names only;
 * also what {@code trust}, {@code untrust} and {@code export-root} need to place the root where this
 * user's programs look. May import {@code acme} (the issuer seam), {@code store}, {@code tls} and the
 * SPI; nothing here knows the engine or the configuration.
 */
package dev.autotls.internal.localca;
