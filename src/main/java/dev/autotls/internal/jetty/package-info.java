/**
 * Jetty plumbing: the connectors autotls makes, the http-01 handler, the acme-tls/1 connection
 * factory for tls-alpn-01, the management listener's route.
 */
package dev.autotls.internal.jetty;
