/**
 * Pacing of new orders: one queue per CA account, shared by every instance through the store,
 * that admits orders by urgency at the CA's rate limits and holds them while the CA said 429.
 * {@link dev.autotls.internal.engine.pacing.OrderPacing} is what the engine asks before an
 * order; {@link dev.autotls.internal.engine.pacing.OrderQueue} decides (pure);
 * {@link dev.autotls.internal.engine.pacing.QueueFile} keeps the shared record under a lease.
 * Imports the store, the configuration and the SPI; nothing of the engine's classes except the
 * managed certificate it is asked about.
 */
package dev.autotls.internal.engine.pacing;
