package dev.autotls.testing;

import dev.autotls.AutoTlsListener;
import dev.autotls.CertificateEvent;
import dev.autotls.FailureEvent;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps every event, for tests to assert on. */
public final class RecordingListener implements AutoTlsListener {
    public final List<CertificateEvent> obtained = new CopyOnWriteArrayList<>();
    public final List<CertificateEvent> renewed = new CopyOnWriteArrayList<>();
    public final List<FailureEvent> failures = new CopyOnWriteArrayList<>();

    @Override
    public void onObtained(CertificateEvent event) {
        obtained.add(event);
    }

    @Override
    public void onRenewed(CertificateEvent event) {
        renewed.add(event);
    }

    @Override
    public void onFailed(FailureEvent event) {
        failures.add(event);
    }

    public FailureEvent lastFailure() {
        return failures.get(failures.size() - 1);
    }
}
