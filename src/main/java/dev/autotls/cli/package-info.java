/**
 * The jar's entry point (Main); the commands themselves are in dev.autotls.internal.cli.
 */
package dev.autotls.cli;
