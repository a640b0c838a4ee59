package dev.autotls.internal.ondemand;

import dev.autotls.OnDemandPermission;
import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The application's {@link OnDemandPermission} as a {@link PermissionSource}: {@code true} allows,
 * {@code false} or null refuses, and a check that throws, fails or does not answer within the
 * handshake's wait gave {@link PermissionAnswer#NO_ANSWER}.
 */
final class CodePermission implements PermissionSource {
    private static final Logger LOG = LoggerFactory.getLogger(CodePermission.class);

    private final OnDemandPermission permission;
    private final Duration bound;

    CodePermission(OnDemandPermission permission, Duration bound) {
        this.permission = permission;
        this.bound = bound;
    }

    @Override
    public CompletableFuture<PermissionAnswer> ask(String name, InetAddress client) {
        CompletionStage<Boolean> stage;
        try {
            stage = permission.allowed(name, client);
        } catch (RuntimeException e) {
            LOG.warn("The on-demand permission check given in code failed for {}: {}", name, e.toString());
            return CompletableFuture.completedFuture(PermissionAnswer.NO_ANSWER);
        }
        if (stage == null) {
            return CompletableFuture.completedFuture(PermissionAnswer.NO);
        }
        CompletableFuture<PermissionAnswer> answer = new CompletableFuture<>();
        stage.whenComplete((allowed, failure) -> {
            if (failure != null) {
                LOG.warn("The on-demand permission check given in code failed for {}: {}", name, failure.toString());
                answer.complete(PermissionAnswer.NO_ANSWER);
            } else {
                answer.complete(Boolean.TRUE.equals(allowed) ? PermissionAnswer.YES : PermissionAnswer.NO);
            }
        });
        return answer.completeOnTimeout(PermissionAnswer.NO_ANSWER, bound.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public String toString() {
        return "the check given in code";
    }
}
