package dev.autotls.internal.ops.jmx;

import java.util.concurrent.atomic.AtomicInteger;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import org.eclipse.jetty.jmx.ObjectMBean;

/**
 * Names each {@link dev.autotls.internal.ops.CertificateBean} {@code dev.autotls:type=certificatebean,...}
 * in JMX, under the product's domain rather than the internal package Jetty would derive
 * from the class; its attributes come from the bean's own annotations.
 */
public class CertificateBeanMBean extends ObjectMBean {
    private static final AtomicInteger IDS = new AtomicInteger();
    private final int id = IDS.getAndIncrement();

    /** Called by Jetty's {@code MBeanContainer} for each certificate bean. */
    public CertificateBeanMBean(Object managedObject) {
        super(managedObject);
    }

    @Override
    public ObjectName getObjectName() {
        try {
            return new ObjectName("dev.autotls:type=certificatebean,id=" + id);
        } catch (MalformedObjectNameException e) {
            throw new IllegalStateException(e);
        }
    }
}
