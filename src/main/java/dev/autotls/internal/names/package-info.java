/**
 * What kind of name a certificate name is: an IP address literal (RFC 8738) with its one canonical
 * text, its bytes and its reverse-DNS name. Text only, never a DNS look-up. A leaf: it imports
 * nothing of autotls, so the configuration, the order flow, the strategies and the handshake path
 * can all agree on what an address is.
 */
package dev.autotls.internal.names;
