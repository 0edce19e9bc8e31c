package io.transferlab.platform.testing;

import io.restassured.filter.Filter;
import io.transferlab.core.auth.TestTokens;

/** RestAssured requests that name no Authorization header go out with an admin's bearer token (TestTokens). */
public final class SignedInAsAdmin {

    private SignedInAsAdmin() {
    }

    public static Filter filter() {
        String header = "Bearer " + TestTokens.token("test-admin", "admin");
        return (request, response, context) -> {
            if (!request.getHeaders().hasHeaderWithName("Authorization")) {
                request.header("Authorization", header);
            }
            return context.next(request, response);
        };
    }
}
