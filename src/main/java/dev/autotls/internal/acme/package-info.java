/**
 * The order flow over acme4j: account, orders, authorizations, finalization, ARI, CA failures and
 * Retry-After, the ChallengeStrategy contract the order flow drives. It never imports the
 * strategies (challenge) nor Jetty.
 */
package dev.autotls.internal.acme;
