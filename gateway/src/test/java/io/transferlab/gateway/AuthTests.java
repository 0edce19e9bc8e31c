package io.transferlab.gateway;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.transferlab.core.auth.TestTokens;
import io.transferlab.platform.testing.BearerCalls;
import io.transferlab.platform.testing.TestTokenKeys;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Who may do what at the gateway, with real RS256 tokens (TestTokens' key pair; the gateway knows only its public
 * key): no token or a bad one (another key, expired, another issuer or audience) is 401, a role that may not is 403.
 * Each request is sent with exactly the header given here (not RestAssured's default admin token).
 */
@QuarkusTest
@QuarkusTestResource(TestTokenKeys.class)
class AuthTests {

    private static final String STUDY = "{\"datasetPath\":\"datasets/none-here\",\"preset\":\"seed-2020\","
            + "\"sizes\":[\"small\"],\"strategies\":[\"fe\"]}";
    private HttpResponse<String> send(String method, String path, String token, String body) throws Exception {
        return BearerCalls.send(method, RestAssured.baseURI + ":" + RestAssured.port + path, token, body);
    }

    @Test
    void withoutATokenTheApiAnswers401AndThePagesStillLoad() throws Exception {
        for (Map.Entry<String, String> call : Map.of("/studies", "GET", "/catalog/presets", "GET",
                "/admin/dead-letters", "GET", "/studies/" + java.util.UUID.randomUUID(), "GET").entrySet()) {
            assertThat(send(call.getValue(), call.getKey(), null, null).statusCode()).as(call.getKey()).isEqualTo(401);
        }
        HttpResponse<String> post = send("POST", "/studies", null, STUDY);
        assertThat(post.statusCode()).isEqualTo(401);
        assertThat(post.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        // the pages themselves carry no data: they load, then sign in
        assertThat(send("GET", "/index.html", null, null).statusCode()).isEqualTo(200);
        assertThat(send("GET", "/report.html", null, null).statusCode()).isEqualTo(200);
        assertThat(send("GET", "/q/health/ready", null, null).statusCode()).isIn(200, 503);
    }

    @Test
    void aViewerReadsButMayNotStartOrReplayAnything() throws Exception {
        String viewer = TestTokens.token("vera", "viewer");
        assertThat(send("GET", "/studies", viewer, null).statusCode()).isEqualTo(200);
        assertThat(send("GET", "/catalog/strategies", viewer, null).statusCode()).isEqualTo(200);
        HttpResponse<String> refused = send("POST", "/studies", viewer, STUDY);
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(send("POST", "/studies/" + java.util.UUID.randomUUID() + "/rerun", viewer, null).statusCode()).isEqualTo(403);
        assertThat(send("GET", "/admin/dead-letters", viewer, null).statusCode()).isEqualTo(403);
    }

    @Test
    void aResearcherStartsStudiesButOnlyAnAdminSeesDeadLetters() throws Exception {
        String researcher = TestTokens.token("rita", "researcher");
        // past authorization: the request itself is judged (the dataset is not registered anywhere: 400 naming it)
        HttpResponse<String> created = send("POST", "/studies", researcher, STUDY);
        assertThat(created.statusCode()).as(created.body()).isIn(201, 400);
        assertThat(send("GET", "/admin/dead-letters", researcher, null).statusCode()).isEqualTo(403);
        assertThat(send("GET", "/admin/dead-letters?limit=1", TestTokens.token("ada", "admin"), null).statusCode())
                .isEqualTo(200);
        assertThat(send("GET", "/studies", TestTokens.token("nobody"), null).statusCode())
                .as("a valid token without a role reads nothing").isEqualTo(403);
    }

    @Test
    void forgedExpiredOrMisaddressedTokensAre401() throws Exception {
        Map<String, String> bad = Map.of(
                "signed by another key", TestTokens.builder("eve", "admin").signedByAnotherKey().sign(),
                "expired an hour ago", TestTokens.builder("eve", "admin").issuedAgo(Duration.ofHours(2)).sign(),
                "another issuer", TestTokens.builder("eve", "admin").issuer("https://elsewhere.example").sign(),
                "another audience", TestTokens.builder("eve", "admin").audience("another-api").sign(),
                "not a token", "not.a.jwt",
                "payload altered", alterPayload(TestTokens.token("eve", "viewer")));
        for (Map.Entry<String, String> token : bad.entrySet()) {
            assertThat(send("GET", "/studies", token.getValue(), null).statusCode()).as(token.getKey()).isEqualTo(401);
        }
        assertThat(send("GET", "/studies", TestTokens.token("eve", "admin"), null).statusCode())
                .as("the same claims, properly signed").isEqualTo(200);
    }

    /** The viewer's payload swapped for one claiming admin, the signature kept. */
    private static String alterPayload(String token) {
        String[] parts = token.split("\\.");
        String payload = new String(java.util.Base64.getUrlDecoder().decode(parts[1]), java.nio.charset.StandardCharsets.UTF_8)
                .replace("\"viewer\"", "\"admin\"");
        return parts[0] + "." + java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString(payload.getBytes(java.nio.charset.StandardCharsets.UTF_8)) + "." + parts[2];
    }
}
