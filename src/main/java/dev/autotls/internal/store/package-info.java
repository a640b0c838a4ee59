/**
 * The file store (atomic writes, lock files with fencing, a change log), storage keys built in one place, PEM
 * and certificate files, leases, migration between stores. A leaf: it imports only the SPI and
 * configuration.
 */
package dev.autotls.internal.store;
