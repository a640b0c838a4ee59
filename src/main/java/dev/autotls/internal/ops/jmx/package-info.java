/**
 * Names the per-certificate JMX beans under the product's domain; exported only to Jetty's JMX
 * module.
 */
package dev.autotls.internal.ops.jmx;
