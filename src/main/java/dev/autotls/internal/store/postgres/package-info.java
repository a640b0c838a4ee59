/**
 * The PostgreSQL store and its fenced leases, over the optional PostgreSQL driver and HikariCP:
 * loaded only when autotls.storage names a database.
 */
package dev.autotls.internal.store.postgres;
