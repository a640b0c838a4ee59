/**
 * Settings from the builder, the command line, -Dautotls.* and AUTOTLS_*, parsed once into
 * AutoTlsConfig; the CA list, storage and strategy settings; the checks that refuse at start a
 * setting that can never work, and the optional features' jars.
 */
package dev.autotls.internal.config;
