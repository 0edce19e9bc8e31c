package io.transferlab.dataset;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.transferlab.core.auth.TestTokens;
import io.transferlab.platform.testing.BearerCalls;
import io.transferlab.platform.testing.TestTokenKeys;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Who may do what at the dataset-service, with real RS256 tokens: reading takes any role, registering and rescanning
 * a researcher or an admin; no token, an expired one or one signed by another key is 401.
 */
@QuarkusTest
@QuarkusTestResource(TestTokenKeys.class)
class AuthTests {

    private int status(String method, String path, String token, String body) throws Exception {
        return BearerCalls.send(method, RestAssured.baseURI + ":" + RestAssured.port + path, token, body).statusCode();
    }

    @Test
    void readingTakesAnyRoleAndRegisteringAResearcher() throws Exception {
        String register = "{\"path\":\"datasets/not-there\"}";
        assertThat(status("GET", "/datasets", null, null)).isEqualTo(401);
        assertThat(status("GET", "/splits?studyId=x", null, null)).isEqualTo(401);
        assertThat(status("POST", "/datasets", null, register)).isEqualTo(401);

        String viewer = TestTokens.token("vera", "viewer");
        assertThat(status("GET", "/datasets", viewer, null)).isEqualTo(200);
        assertThat(status("POST", "/datasets", viewer, register)).isEqualTo(403);
        assertThat(status("POST", "/datasets/" + java.util.UUID.randomUUID() + "/scan", viewer, null)).isEqualTo(403);

        // a researcher gets past authorization to the request's own judgement (no such folder: a 4xx naming it)
        assertThat(status("POST", "/datasets", TestTokens.token("rita", "researcher"), register)).isBetween(400, 422);
    }

    @Test
    void expiredOrForeignTokensAre401() throws Exception {
        assertThat(status("GET", "/datasets", TestTokens.builder("eve", "admin").issuedAgo(Duration.ofHours(3)).sign(), null))
                .isEqualTo(401);
        assertThat(status("GET", "/datasets", TestTokens.builder("eve", "admin").signedByAnotherKey().sign(), null))
                .isEqualTo(401);
        assertThat(status("GET", "/datasets", TestTokens.builder("eve", "admin").audience("other").sign(), null))
                .isEqualTo(401);
        assertThat(status("GET", "/datasets", TestTokens.token("ada", "admin"), null)).isEqualTo(200);
    }
}
