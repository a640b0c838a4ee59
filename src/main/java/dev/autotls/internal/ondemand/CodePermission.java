package dev.autotls.internal.ondemand;

import dev.autotls.OnDemandPermission;
import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The application's {@link OnDemandPermission} as a {@link PermissionSource}: {@code true} allows,
 * {@code false} or null refuses, and a check that throws, fails or does not answer within the
 * handshake's wait gave {@link PermissionAnswer#NO_ANSWER}.
 *
 * <p>The check runs on a small bounded pool of its own, never on the handshake's thread: a check
 * that blocks (a database look-up written synchronously) then holds one of {@link #THREADS} threads
 * and the handshake still gives up at its deadline. When the pool and its queue are full the check
 * is not run and the answer is {@link PermissionAnswer#NO_ANSWER}, so a flood of names can never
 * queue work without bound.
 */
final class CodePermission implements PermissionSource {
    private static final Logger LOG = LoggerFactory.getLogger(CodePermission.class);
    /** Threads the checks run on; each blocked check holds one. */
    static final int THREADS = 4;
    /** Checks that may wait for a thread; beyond them a check is not run (no answer). */
    static final int QUEUED = 64;

    private final OnDemandPermission permission;
    private final Duration bound;
    private final Executor executor;

    CodePermission(OnDemandPermission permission, Duration bound) {
        this(permission, bound, boundedPool());
    }

    CodePermission(OnDemandPermission permission, Duration bound, Executor executor) {
        this.permission = permission;
        this.bound = bound;
        this.executor = executor;
    }

    /**
     * {@link #THREADS} daemon threads made as checks come and ended after 30 s idle, so nothing runs
     * while no check is asked and nothing needs stopping with the server.
     */
    static ThreadPoolExecutor boundedPool() {
        AtomicInteger count = new AtomicInteger();
        ThreadFactory threads = runnable -> {
            Thread thread = new Thread(runnable, "autotls-on-demand-check-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
        ThreadPoolExecutor pool = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(QUEUED), threads, new ThreadPoolExecutor.AbortPolicy());
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    @Override
    public CompletableFuture<PermissionAnswer> ask(String name, InetAddress client) {
        CompletableFuture<PermissionAnswer> answer = new CompletableFuture<>();
        try {
            executor.execute(() -> run(name, client, answer));
        } catch (RejectedExecutionException e) {
            LOG.warn("The on-demand permission check given in code was not asked for {}: {} checks run and {} wait already.",
                    name, THREADS, QUEUED);
            return CompletableFuture.completedFuture(PermissionAnswer.NO_ANSWER);
        }
        return answer.completeOnTimeout(PermissionAnswer.NO_ANSWER, bound.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void run(String name, InetAddress client, CompletableFuture<PermissionAnswer> answer) {
        CompletionStage<Boolean> stage;
        try {
            stage = permission.allowed(name, client);
        } catch (RuntimeException e) {
            LOG.warn("The on-demand permission check given in code failed for {}: {}", name, e.toString());
            answer.complete(PermissionAnswer.NO_ANSWER);
            return;
        }
        if (stage == null) {
            answer.complete(PermissionAnswer.NO);
            return;
        }
        stage.whenComplete((allowed, failure) -> {
            if (failure != null) {
                LOG.warn("The on-demand permission check given in code failed for {}: {}", name, failure.toString());
                answer.complete(PermissionAnswer.NO_ANSWER);
            } else {
                answer.complete(Boolean.TRUE.equals(allowed) ? PermissionAnswer.YES : PermissionAnswer.NO);
            }
        });
    }

    @Override
    public String toString() {
        return "the check given in code";
    }
}
