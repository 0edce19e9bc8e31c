package io.transferlab.core.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Real RS256-signed JWTs for tests, from an RSA key pair made once per JVM: what an OIDC provider would issue
 * (issuer, audience, subject, groups, issued-at, expiry), so the services' token checks (signature, expiry, issuer,
 * audience, roles) are exercised for real. Only the JDK: the services verify them with quarkus-oidc.
 */
public final class TestTokens {

    /** The issuer and audience the services expect unless configured (deploy/local/auth.sh issues the same). */
    public static final String ISSUER = "transferlab-local";
    public static final String AUDIENCE = "transferlab";

    private static final KeyPair KEYS = generate();
    private static final KeyPair OTHER_KEYS = generate();

    private TestTokens() {
    }

    /** The public key as quarkus.oidc.public-key (and TRANSFERLAB_AUTH_PUBLIC_KEY) take it: base64 X.509, no PEM lines. */
    public static String publicKey() {
        return Base64.getEncoder().encodeToString(KEYS.getPublic().getEncoded());
    }

    /** A token valid for an hour with these roles. */
    public static String token(String subject, String... roles) {
        return builder(subject, roles).sign();
    }

    public static Builder builder(String subject, String... roles) {
        return new Builder(subject, List.of(roles));
    }

    /** A token's claims, changed one at a time by the tests that check each refusal. */
    public static final class Builder {
        private final String subject;
        private final List<String> roles;
        private String issuer = ISSUER;
        private String audience = AUDIENCE;
        private Instant issuedAt = Instant.now();
        private Duration lifetime = Duration.ofHours(1);
        private boolean otherKey;

        private Builder(String subject, List<String> roles) {
            this.subject = subject;
            this.roles = roles;
        }

        public Builder issuer(String value) {
            issuer = value;
            return this;
        }

        public Builder audience(String value) {
            audience = value;
            return this;
        }

        /** Issued this long ago (with the same lifetime): an hour-long token issued two hours ago has expired. */
        public Builder issuedAgo(Duration ago) {
            issuedAt = Instant.now().minus(ago);
            return this;
        }

        public Builder lifetime(Duration value) {
            lifetime = value;
            return this;
        }

        /** Signed by a key pair the services do not know. */
        public Builder signedByAnotherKey() {
            otherKey = true;
            return this;
        }

        public String sign() {
            String header = "{\"alg\":\"RS256\",\"typ\":\"JWT\"}";
            String groups = roles.stream().map(r -> "\"" + r + "\"").collect(Collectors.joining(",", "[", "]"));
            long iat = issuedAt.getEpochSecond();
            String payload = "{\"iss\":\"" + issuer + "\",\"aud\":\"" + audience + "\",\"sub\":\"" + subject
                    + "\",\"preferred_username\":\"" + subject + "\",\"groups\":" + groups + ",\"iat\":" + iat
                    + ",\"exp\":" + (iat + lifetime.toSeconds()) + "}";
            String signingInput = base64Url(header.getBytes(StandardCharsets.UTF_8)) + "."
                    + base64Url(payload.getBytes(StandardCharsets.UTF_8));
            return signingInput + "." + base64Url(rs256((otherKey ? OTHER_KEYS : KEYS).getPrivate(), signingInput));
        }
    }

    private static byte[] rs256(PrivateKey key, String input) {
        try {
            Signature signature = Signature.getInstance("SHA256withRSA");
            signature.initSign(key);
            signature.update(input.getBytes(StandardCharsets.US_ASCII));
            return signature.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign a test token", e);
        }
    }

    private static String base64Url(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static KeyPair generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no RSA key pair generator", e);
        }
    }
}
