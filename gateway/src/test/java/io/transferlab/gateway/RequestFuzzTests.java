package io.transferlab.gateway;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Generated malformed requests at the gateway's API (jqwik's generators, seeded, so a failure can be repeated):
 * every one gets a 4xx whose JSON names the problem — never a 500, never a stack trace — and creates nothing.
 */
@QuarkusTest
class RequestFuzzTests {

    private static final String VALID = "{\"datasetPath\":\"datasets/none\",\"preset\":\"seed-2020\",\"sizes\":[\"small\"],"
            + "\"strategies\":[\"fe\"],\"seeds\":[42],\"classLimit\":3,\"targetF1\":[0.9],\"rerunOnChange\":false}";

    /** The valid request with a piece replaced by generated text, values of other types, and plain garbage. */
    private static Arbitrary<String> bodies() {
        Arbitrary<String> spliced = Arbitraries.integers().between(0, VALID.length()).tuple2()
                .flatMap(t -> Arbitraries.strings().ofMaxLength(12).map(insert -> {
                    int a = Math.min(t.get1(), t.get2());
                    int b = Math.max(t.get1(), t.get2());
                    return VALID.substring(0, a) + insert + VALID.substring(b);
                }));
        Arbitrary<String> retyped = Arbitraries.of("datasetPath", "preset", "sizes", "strategies", "seeds", "classLimit",
                "targetF1", "rerunOnChange", "backbone").flatMap(field -> Arbitraries.of("null", "[null]", "-1", "1e309",
                "\"\"", "[]", "{}", "[[1]]", "true", "\"x\"", "9223372036854775808", "[" + "1,".repeat(2000) + "1]")
                .map(value -> VALID.replace("}", ",\"" + field + "\":" + value + "}").replaceFirst(",\"" + field + "\":[^,]*(,|$)", "$1")));
        Arbitrary<String> garbage = Arbitraries.strings().ofMaxLength(300);
        return Arbitraries.oneOf(spliced, retyped, garbage);
    }

    @Test
    void malformedStudyRequestsGetANamedClientError() {
        long before = Long.parseLong(given().get("/studies").then().extract().header("X-Total-Count"));
        List<String> samples = bodies().sampleStream().limit(400).toList();
        for (String body : samples) {
            var response = given().contentType(ContentType.JSON).body(body).post("/studies").then().extract();
            assertThat(response.statusCode()).as(body).isBetween(400, 499);
            assertThat(response.contentType()).as(body).startsWith("application/json");
            assertThat((String) response.path("error")).as(body).isNotBlank();
            assertThat(response.asString()).as(body).doesNotContain("\tat ").doesNotContain("Exception:");
        }
        assertThat(Long.parseLong(given().get("/studies").then().extract().header("X-Total-Count")))
                .as("nothing was created").isEqualTo(before);
    }

    @Test
    void generatedPathsAndIdsNeverLeadToAServerError() {
        // percent escapes come whole (a lone '%' is refused by the client before it is sent)
        Arbitrary<String> ids = Arbitraries.oneOf(Arbitraries.strings().withChars("abc./-_~0123456789").ofMaxLength(40),
                Arbitraries.of("%2e%2e", "%2e%2e%2fetc", "%00", "%2F", "%ff%fe", "..", "-1", "99999999999999999999"));
        for (String id : ids.sampleStream().limit(200).toList()) {
            for (String path : List.of("/studies/" + id, "/studies/" + id + "/results", "/studies/" + id + "/classes?strategy=" + id,
                    "/studies?page=" + id + "&size=" + id)) {
                int status = given().urlEncodingEnabled(false).get(path).then().extract().statusCode();
                assertThat(status).as(path).isNotEqualTo(500).isLessThan(500);
            }
        }
    }
}
