package dev.autotls.internal.ops;

import dev.autotls.AutoTls;
import org.eclipse.jetty.util.component.ContainerLifeCycle;

/**
 * The {@link CertificateBean}s of one AutoTls, added in groups of {@link #GROUP}: a Jetty
 * container checks every bean it already holds and copies its list on each add, so 10,000
 * beans added to one container cost 10,000² steps at start, and in groups a hundredth of that.
 * JMX still shows each as {@code dev.autotls:type=certificatebean,...}.
 */
public final class CertificateBeans extends ContainerLifeCycle {
    static final int GROUP = 100;

    private CertificateBeans() {
    }

    /** Adds a bean for each of {@code count} certificates to {@code owner}, directly when there are few. */
    public static void addTo(AutoTls owner, int count) {
        if (count <= GROUP) {
            for (int i = 0; i < count; i++) {
                owner.addBean(new CertificateBean(owner, i));
            }
            return;
        }
        for (int from = 0; from < count; from += GROUP) {
            CertificateBeans group = new CertificateBeans();
            for (int i = from; i < Math.min(count, from + GROUP); i++) {
                group.addBean(new CertificateBean(owner, i));
            }
            owner.addBean(group);
        }
    }
}
