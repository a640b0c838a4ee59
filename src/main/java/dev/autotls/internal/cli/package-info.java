/**
 * The command line's commands (serve, acme-dns, records, doctor, migrate-storage) and their
 * option handling, over picocli.
 */
package dev.autotls.internal.cli;
