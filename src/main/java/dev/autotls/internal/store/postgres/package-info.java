/**
 * The PostgreSQL store and its fenced leases, its change feed (a trigger, read by transaction id),
 * next looks and the connection that LISTENs for notifications, over the optional PostgreSQL
 * driver and HikariCP: loaded only when autotls.storage names a database.
 */
package dev.autotls.internal.store.postgres;
