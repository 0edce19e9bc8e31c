package io.transferlab.platform.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.restassured.RestAssured;
import io.transferlab.core.auth.TestTokens;

import java.util.Map;

/**
 * Gives a service under test the public key of {@link TestTokens}' key pair (so it verifies real signed tokens),
 * and makes RestAssured send an {@code admin} token with every request that names none: the functional tests
 * exercise the API as a signed-in administrator, while the authorization tests send their own tokens (or none).
 */
public final class TestTokenKeys implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        RestAssured.filters(SignedInAsAdmin.filter());
        return Map.of("quarkus.oidc.public-key", TestTokens.publicKey());
    }

    @Override
    public void stop() {
        RestAssured.replaceFiltersWith(java.util.List.of());
    }
}
