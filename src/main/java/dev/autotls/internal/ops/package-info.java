/**
 * What operators read: the status snapshots, the management handler (health, status, Prometheus
 * metrics), Micrometer binding, per-certificate JMX beans and the doctor's checks.
 */
package dev.autotls.internal.ops;
