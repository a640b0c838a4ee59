/**
 * The public face: AutoTls (a Jetty component and its one builder), the listener and the events
 * it hears, CertificateStatus, Setting (every configuration name) and ConfigurationException.
 * Everything an embedding application calls lives here; it imports the SPI and the internal
 * packages it composes, and nothing outside this package and dev.autotls.spi appears in its
 * signatures except Jetty's own types.
 */
package dev.autotls;
