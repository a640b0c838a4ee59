/**
 * DNS look-ups against the authoritative servers (not a cache) for preflight checks and for
 * waiting until a record is visible.
 */
package dev.autotls.internal.dns;
