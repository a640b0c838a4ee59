package dev.autotls.internal.acme;

import dev.autotls.internal.acme.ChallengeStrategy.PendingChallenge;
import dev.autotls.internal.names.IpAddresses;
import dev.autotls.internal.tls.KeyType;
import dev.autotls.spi.AutoTlsException;
import dev.autotls.spi.OwnerActionException;
import dev.autotls.spi.TransientException;
import java.io.IOException;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.shredzone.acme4j.Authorization;
import org.shredzone.acme4j.Certificate;
import org.shredzone.acme4j.Identifier;
import org.shredzone.acme4j.Login;
import org.shredzone.acme4j.Order;
import org.shredzone.acme4j.OrderBuilder;
import org.shredzone.acme4j.Problem;
import org.shredzone.acme4j.Status;
import org.shredzone.acme4j.challenge.Challenge;
import org.shredzone.acme4j.connector.Resource;
import org.shredzone.acme4j.exception.AcmeException;
import org.shredzone.acme4j.exception.AcmeRateLimitedException;
import org.shredzone.acme4j.exception.AcmeServerException;
import org.shredzone.acme4j.exception.AcmeUserActionRequiredException;
import org.shredzone.acme4j.util.CSRBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One certificate order from start to downloaded chain: order, prove control of every
 * name through a {@link ChallengeStrategy}, finalize with a fresh key, download.
 * Stateless and safe to use from several threads for different orders.
 */
public final class OrderFlow {
    private static final Logger LOG = LoggerFactory.getLogger(OrderFlow.class);

    private static final String ORDER_NOT_READY = "urn:ietf:params:acme:error:orderNotReady";
    /**
     * The problems CAs answer about a replacement itself: another order replaced it already (RFC 9773),
     * the certificate named is unknown or malformed, or not this account's (Let's Encrypt's wordings).
     */
    private static final java.util.Set<String> ABOUT_THE_REPLACEMENT = java.util.Set.of(
            "urn:ietf:params:acme:error:alreadyReplaced", "urn:ietf:params:acme:error:conflict",
            "urn:ietf:params:acme:error:malformed", "urn:ietf:params:acme:error:unauthorized");
    private final Poller poller;
    /** The ACME profile every order asks for ({@code autotls.profile}), if one is chosen. */
    private final Optional<String> profile;
    /** Whether the CA's lack of profiles has been said: once per flow, which is once per CA. */
    private final AtomicBoolean toldNoProfiles = new AtomicBoolean();
    /** Whether ordering addresses under the CA's short-lived profile has been said: once per flow too. */
    private final AtomicBoolean toldShortLived = new AtomicBoolean();

    public OrderFlow(Poller poller) {
        this(poller, Optional.empty());
    }

    public OrderFlow(Poller poller, Optional<String> profile) {
        this.poller = poller;
        this.profile = profile;
    }

    /**
     * Orders a certificate for {@code names}.
     *
     * @param replacing the certificate this one renews, announced to CAs that support ARI
     * @throws ReplacementRefusedException when the CA refuses the order that names {@code replacing} as the
     *                                     certificate it replaces; no order was made
     */
    public IssuedCertificate obtain(Login login, List<String> names, ChallengeStrategy strategy, KeyType keyType,
                                    Optional<X509Certificate> replacing)
            throws AutoTlsException, IOException, AcmeException, InterruptedException {
        Order order = createOrder(login, names, replacing);
        List<PendingChallenge> pending = new ArrayList<>();
        List<Authorization> awaited = new ArrayList<>();
        for (Authorization authorization : order.getAuthorizations()) {
            Status status = authorization.getStatus();
            if (status == Status.VALID) {
                continue; // the CA still remembers an earlier proof for this name
            }
            String name = nameOf(authorization);
            if (status != Status.PENDING) {
                throw new TransientException("the CA's authorization for " + name + " is " + status
                        + "; a new order will start over", null);
            }
            pending.add(new PendingChallenge(name, authorization.isWildcard(), pick(authorization, name, strategy)));
            awaited.add(authorization);
        }
        try {
            if (!pending.isEmpty()) {
                LOG.info("Proving control of {} with {}.", names(pending), pending.stream()
                        .map(p -> p.challenge().getType()).distinct().collect(Collectors.joining(" and ")));
                strategy.present(pending, login);
                strategy.awaitVisible(pending);
                for (PendingChallenge challenge : pending) {
                    challenge.challenge().trigger();
                }
                for (int i = 0; i < awaited.size(); i++) {
                    awaitAuthorization(awaited.get(i), pending.get(i));
                }
            }
        } finally {
            strategy.cleanUp(pending);
        }
        KeyPair keyPair = keyType.generate();
        finalizeOrder(order, names, csr(names, keyPair));
        poller.until("certificate for " + names, order::fetch,
                () -> order.getStatus() == Status.VALID || order.getStatus() == Status.INVALID);
        if (order.getStatus() != Status.VALID) {
            throw new TransientException("the CA did not issue the certificate for " + names
                    + describe(order.getError()), null);
        }
        Certificate certificate = order.getCertificate();
        certificate.download();
        List<X509Certificate> chain = certificate.getCertificateChain();
        LOG.info("The CA issued a certificate for {} (serial {}, valid until {}).", names,
                chain.get(0).getSerialNumber().toString(16), chain.get(0).getNotAfter().toInstant());
        return new IssuedCertificate(names, keyPair, chain,
                pending.stream().map(p -> p.challenge().getType()).distinct().toList());
    }

    /**
     * Every authorization is valid by now, which makes the order ready (RFC 8555, 7.1.6), so it
     * is finalized at once instead of being fetched first (one signed request less per order);
     * a CA slower to agree answers orderNotReady, and then its readiness is awaited.
     */
    private void finalizeOrder(Order order, List<String> names, byte[] csr)
            throws AcmeException, InterruptedException, TransientException {
        if (order.getStatus() == Status.PENDING) { // as created, before its authorizations were proved
            try {
                order.execute(csr);
                return;
            } catch (AcmeServerException e) {
                if (!ORDER_NOT_READY.equals(e.getType().toString())) {
                    throw e;
                }
                LOG.debug("the CA's order for {} is not ready yet; waiting for it", names);
            }
        }
        poller.until("order for " + names + " to become ready", order::fetch,
                () -> order.getStatus() != Status.PENDING);
        if (order.getStatus() != Status.READY) {
            throw new TransientException("the CA's order for " + names + " is " + order.getStatus()
                    + describe(order.getError()), null);
        }
        order.execute(csr);
    }

    private Order createOrder(Login login, List<String> names, Optional<X509Certificate> replacing)
            throws AcmeException, CaRefusalException, ReplacementRefusedException {
        // before the order: a profile the CA does not list would only be refused (or silently ignored)
        org.shredzone.acme4j.Metadata metadata = login.getSession().getMetadata();
        Optional<String> sent = ProfileCheck.forOrder(metadata, profile, names, login.getSession().getServerUri());
        if (profile.isPresent() && sent.isEmpty() && !toldNoProfiles.getAndSet(true)) {
            LOG.info("The CA at {} offers no profiles; its orders go without autotls.profile={} and get its default certificate.",
                    CaFailures.hostAndPort(login.getSession().getServerUri()), profile.get());
        }
        if (profile.isEmpty() && sent.isPresent() && !toldShortLived.getAndSet(true)) {
            LOG.info("Ordering certificates that include an IP address ({}) under the CA's '{}' profile, the one under which "
                    + "CAs certify addresses (autotls.profile is not set); they last days, and renew within them.",
                    names, sent.get());
        }
        List<Identifier> identifiers = identifiers(names);
        boolean announceReplacement = replacing.isPresent()
                && login.getSession().resourceUrlOptional(Resource.RENEWAL_INFO).isPresent();
        if (announceReplacement) {
            try {
                return withProfile(login.newOrder().identifiers(identifiers).replaces(replacing.get()), sent).create();
            } catch (AcmeRateLimitedException | AcmeUserActionRequiredException e) {
                throw e; // about the account or the CA's limits: a 429 pauses the queue, and an order without replaces meets the same
            } catch (AcmeServerException e) {
                throw refusal(e, names, replacing.get().getSerialNumber(), CaFailures.hostAndPort(login.getSession().getServerUri()));
            }
        }
        return withProfile(login.newOrder().identifiers(identifiers), sent).create();
    }

    /**
     * The CA refused the order for {@code names} that names certificate {@code serial} as the one it replaces,
     * for another reason than the account or its limits. A refusal must never leave a certificate unrenewed,
     * and CAs word them freely (Pebble 2.10 says it cannot find the order of a certificate whose serial's DER form
     * begins with a zero byte), so any such answer makes the order go again without replaces; but not at
     * once, which would skip the order queue (and meet the CA during a 429 pause): the caller queues it as
     * the new order it becomes.
     */
    static ReplacementRefusedException refusal(AcmeServerException e, List<String> names, BigInteger serial, String ca) {
        String type = e.getType().toString();
        return new ReplacementRefusedException("the CA at " + ca + " refused the order for " + names + " that names certificate "
                + serial.toString(16) + " as the one it replaces (" + type.substring(type.lastIndexOf(':') + 1) + ": "
                + e.getMessage() + ")", e, serial, ABOUT_THE_REPLACEMENT.contains(type));
    }

    private static OrderBuilder withProfile(OrderBuilder builder, Optional<String> sent) {
        return sent.map(builder::profile).orElse(builder);
    }

    private static Challenge pick(Authorization authorization, String name, ChallengeStrategy strategy)
            throws OwnerActionException {
        for (String type : strategy.challengeTypes()) {
            Optional<Challenge> challenge = authorization.findChallenge(type);
            if (challenge.isPresent()) {
                return challenge.get();
            }
        }
        String offered = authorization.getChallenges().stream().map(Challenge::getType).collect(Collectors.joining(", "));
        throw new OwnerActionException("the CA offers no " + String.join(" or ", strategy.challengeTypes())
                + " challenge for " + name + " (it offers: " + offered + "); choose another autotls.challenge");
    }

    private void awaitAuthorization(Authorization authorization, PendingChallenge pending)
            throws AcmeException, InterruptedException, TransientException {
        poller.until("validation of " + pending.name(), authorization::fetch,
                () -> authorization.getStatus() != Status.PENDING);
        if (authorization.getStatus() != Status.VALID) {
            Challenge challenge = pending.challenge();
            try {
                challenge.fetch();
            } catch (AcmeException e) {
                LOG.debug("could not read the failed challenge's details", e);
            }
            throw new TransientException("the CA could not validate " + pending.name() + " with " + challenge.getType()
                    + describe(challenge.getError()), null);
        }
    }

    /**
     * The ACME identifiers of {@code names}: an IP identifier (RFC 8738) for an address, a DNS one for
     * the rest. An address goes in its canonical text, which is RFC 5952's as RFC 8738 section 3
     * asks; acme4j's {@code Identifier.ip} would write IPv6 in the JDK's long form.
     */
    static List<Identifier> identifiers(List<String> names) {
        List<Identifier> identifiers = new ArrayList<>(names.size());
        for (String name : names) {
            identifiers.add(IpAddresses.isAddress(name) ? new Identifier(Identifier.TYPE_IP, name) : Identifier.dns(name));
        }
        return identifiers;
    }

    /**
     * The name an authorization is for, as autotls writes it: {@code *.} before a wildcard's base, an
     * address in canonical text (the CA may spell an IPv6 address differently).
     */
    static String nameOf(Authorization authorization) {
        Identifier identifier = authorization.getIdentifier();
        if (Identifier.TYPE_IP.equals(identifier.getType())) {
            return IpAddresses.text(identifier.getIP());
        }
        return (authorization.isWildcard() ? "*." : "") + identifier.getDomain();
    }

    /** The CSR for {@code names}: dNSName SANs for domain names, iPAddress SANs for addresses. */
    static byte[] csr(List<String> names, KeyPair keyPair) throws IOException {
        CSRBuilder builder = new CSRBuilder();
        builder.addIdentifiers(identifiers(names));
        builder.sign(keyPair);
        return builder.getEncoded();
    }

    private static String describe(Optional<Problem> problem) {
        return problem.map(p -> ": " + p.toString()).orElse("");
    }

    private static String names(List<PendingChallenge> pending) {
        return pending.stream().map(PendingChallenge::name).collect(Collectors.joining(", "));
    }
}
