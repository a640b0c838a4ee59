/**
 * The ways to prove control of a name (http-01, tls-alpn-01, dns-persist-01, the acme-dns CNAME
 * alias, RFC 2136, dns-01 through an application's TxtPublisher), each implementing
 * ChallengeStrategy of the order flow.
 */
package dev.autotls.internal.challenge;
