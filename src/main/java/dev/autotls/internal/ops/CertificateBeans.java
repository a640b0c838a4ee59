package dev.autotls.internal.ops;

import dev.autotls.AutoTls;
import dev.autotls.internal.Assembly;
import dev.autotls.internal.engine.CertificateWatcher;
import dev.autotls.internal.engine.ManagedCertificate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.util.component.ContainerLifeCycle;

/**
 * The {@link CertificateBean}s of one AutoTls, one per managed certificate, following the set as
 * it changes: a bean is added when a certificate is managed and removed when it no longer is, so
 * with an {@code MBeanContainer} on the server JMX shows exactly the managed certificates. At build
 * they are added in groups of {@link #GROUP}: a Jetty container checks every bean it already holds
 * and copies its list on each add, so 10,000 beans added to one container cost 10,000² steps, and
 * in groups a hundredth of that. JMX still shows each as {@code dev.autotls:type=certificatebean,...}.
 */
public final class CertificateBeans extends ContainerLifeCycle implements CertificateWatcher {
    static final int GROUP = 100;

    private final AutoTls owner;
    private final Assembly assembly;
    /** Each bean and the container holding it, by the certificate's first name. */
    private final Map<String, Placed> beans = new ConcurrentHashMap<>();

    private record Placed(ContainerLifeCycle container, CertificateBean bean) {
    }
    /** The group that takes the beans of certificates managed at run time until it holds {@link #GROUP}; under this object's lock. */
    private ContainerLifeCycle open;

    private CertificateBeans(AutoTls owner, Assembly assembly) {
        this.owner = owner;
        this.assembly = assembly;
    }

    /** Adds a bean for each certificate {@code assembly} manages to {@code owner}, and keeps them in step with the set. */
    public static void addTo(AutoTls owner, Assembly assembly) {
        CertificateBeans beans = new CertificateBeans(owner, assembly);
        List<ManagedCertificate> certificates = assembly.certificates();
        if (certificates.size() <= GROUP) {
            certificates.forEach(beans::added);
        } else {
            for (int from = 0; from < certificates.size(); from += GROUP) {
                ContainerLifeCycle group = new ContainerLifeCycle();
                for (ManagedCertificate certificate : certificates.subList(from, Math.min(certificates.size(), from + GROUP))) {
                    CertificateBean bean = new CertificateBean(assembly, certificate.firstName());
                    group.addBean(bean);
                    beans.beans.put(certificate.firstName(), new Placed(group, bean));
                }
                owner.addBean(group);
            }
        }
        assembly.manager().watch(beans);
    }

    /**
     * Adds the bean of a certificate managed from now on: on the owner itself while there are few,
     * else in a group of {@link #GROUP} as at build, so 100,000 names managed one by one at run time
     * do not cost 100,000² steps either.
     */
    @Override
    public synchronized void added(ManagedCertificate certificate) {
        CertificateBean bean = new CertificateBean(assembly, certificate.firstName());
        ContainerLifeCycle container = owner;
        if (beans.size() >= GROUP) {
            if (open == null || open.getBeans().size() >= GROUP) {
                open = new ContainerLifeCycle();
                owner.addBean(open);
            }
            container = open;
        }
        Placed before = beans.put(certificate.firstName(), new Placed(container, bean));
        if (before != null) {
            before.container().removeBean(before.bean());
        }
        container.addBean(bean);
    }

    @Override
    public synchronized void removed(ManagedCertificate certificate) {
        Placed placed = beans.remove(certificate.firstName());
        if (placed != null) {
            placed.container().removeBean(placed.bean());
        }
    }
}
