/**
 * The JMX view of AutoTls, found by Jetty's MBeanContainer by naming convention; exported only to
 * Jetty's JMX module.
 */
package dev.autotls.jmx;
