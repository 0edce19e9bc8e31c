package io.transferlab.platform.security;

/**
 * The roles a token's {@code groups} claim may carry (the claim is a setting: TRANSFERLAB_AUTH_ROLES_CLAIM). Each
 * endpoint names every role it admits, so what a role may do is read where it is checked: reading admits all three,
 * starting work {@link #RESEARCHER} and {@link #ADMIN}, operating the pipeline {@link #ADMIN} alone.
 */
public final class Roles {

    /** May read studies, datasets, results and the report page. */
    public static final String VIEWER = "viewer";
    /** May also create studies, register and rescan datasets, and rerun studies. */
    public static final String RESEARCHER = "researcher";
    /** May do everything, including replaying dead letters. */
    public static final String ADMIN = "admin";

    private Roles() {
    }
}
