/**
 * The renewal engine: the certificate manager and each certificate's state, renewal planning
 * (ARI, lifetime), when each certificate is looked at (one planner over the next looks kept in
 * the store), back-off and the failure policy, the CA circuit and rotation, store sync (the
 * change feed and notifications), order workers, warm start and the scheduler it runs on.
 */
package dev.autotls.internal.engine;
