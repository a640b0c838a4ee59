/**
 * The implementation: nothing under this package is exported from the module. Assembly is the
 * composition root that wires one AutoTls from its parsed configuration and injected parts; the
 * sub-packages hold the parts, and their dependencies point one way (the engine uses the order
 * flow, the strategies, the store and the registry; tls does no I/O; the store is a leaf).
 */
package dev.autotls.internal;
