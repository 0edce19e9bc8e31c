package io.transferlab.ml;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/** Every test JVM of this module checks oneDNN (OneDnnGuard) before any test makes a convolution. */
public final class OneDnnGuardSessionListener implements LauncherSessionListener {

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        OneDnnGuard.ensure();
    }
}
