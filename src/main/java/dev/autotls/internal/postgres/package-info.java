/**
 * What the PostgreSQL certificate store and the responder's PostgreSQL database share: the one
 * connection-string reader, and the rules that keep a connection working behind a pooler
 * (PgBouncer in transaction or session pooling). A leaf: it imports only the JDK, so the
 * configuration may read a connection string without the optional driver on the class path.
 */
package dev.autotls.internal.postgres;
