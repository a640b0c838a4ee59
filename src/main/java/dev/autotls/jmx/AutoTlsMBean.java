package dev.autotls.jmx;

import dev.autotls.AutoTls;
import dev.autotls.CertificateStatus;
import dev.autotls.internal.Assembly;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.eclipse.jetty.jmx.ObjectMBean;
import org.eclipse.jetty.util.annotation.ManagedAttribute;
import org.eclipse.jetty.util.annotation.ManagedObject;
import org.eclipse.jetty.util.annotation.ManagedOperation;
import org.eclipse.jetty.util.annotation.Name;

/**
 * The JMX view of an {@link AutoTls}, found by Jetty's {@code MBeanContainer} by its name
 * ({@code <package>.jmx.<Class>MBean}), so the component itself carries no JMX code. It
 * appears as {@code dev.autotls:type=autotls}. Not for applications: this package is exported
 * only to Jetty's JMX module.
 */
@ManagedObject("Self-configuring, self-renewing HTTPS")
public class AutoTlsMBean extends ObjectMBean {

    /** Called by Jetty's {@code MBeanContainer} with the {@link AutoTls} it found among the server's beans. */
    public AutoTlsMBean(Object managedObject) {
        super(managedObject);
    }

    private AutoTls autoTls() {
        return (AutoTls) getManagedObject();
    }

    private Assembly site() {
        return autoTls().getBean(Assembly.class);
    }

    @ManagedAttribute("How many certificates are managed (configured and managed at run time)")
    public int getCertificateCount() {
        return site().certificates().size();
    }

    @ManagedAttribute("How many certificates wait for their owner to act")
    public int getOwnerActionsNeeded() {
        return (int) autoTls().status().stream().filter(CertificateStatus::ownerActionNeeded).count();
    }

    @ManagedAttribute("The ACME directory")
    public String getCa() {
        return site().config().caDirectory().toString();
    }

    @ManagedAttribute("Where state is kept")
    public String getStorage() {
        return autoTls().store().describe();
    }

    @ManagedOperation(value = "Order a new certificate now for the one covering this name", impact = "ACTION")
    public void renew(@Name("name") String name) {
        autoTls().renew(name);
    }

    @ManagedAttribute("Every managed name, comma-separated: the configured ones, then those managed at run time")
    public String getManagedNames() {
        return String.join(",", autoTls().managedNames());
    }

    /**
     * {@link AutoTls#manage} from a JMX console: returns once the names are in the store, saying how to
     * follow the certificates; a refused name, or a store that could not be written (the stage failed
     * already), is thrown back with its sentence, as {@link #unmanage} does.
     */
    @ManagedOperation(value = "Manage these names (comma-separated) from now on, on every instance; certificates are "
            + "obtained in the background (see status)", impact = "ACTION")
    public String manage(@Name("names") String names) {
        CompletableFuture<?> stage = autoTls().manage(split(names)).toCompletableFuture();
        if (stage.isCompletedExceptionally()) {
            throwCause(stage);
        }
        return "Managing " + names + "; the certificates appear in status (and as certificate beans) as they are obtained.";
    }

    /** {@link AutoTls#unmanage} from a JMX console; a configured name or a store failure is thrown back with its sentence. */
    @ManagedOperation(value = "Stop managing these names (comma-separated) on every instance; configured names are refused",
            impact = "ACTION")
    public String unmanage(@Name("names") String names) {
        throwCause(autoTls().unmanage(split(names)).toCompletableFuture());
        return "No longer managing " + names + ".";
    }

    /** Waits for {@code stage} and throws its failure, if any, as the sentence a JMX console shows. */
    private static void throwCause(CompletableFuture<?> stage) {
        try {
            stage.join();
        } catch (CompletionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        }
    }

    private static List<String> split(String names) {
        return Arrays.stream(names.split(",")).map(String::trim).filter(name -> !name.isEmpty()).toList();
    }

    @ManagedOperation(value = "Read the store again and serve what other instances stored", impact = "ACTION")
    public int reload() {
        return autoTls().reload();
    }
}
