package io.transferlab.gateway.rest;

import jakarta.validation.Constraint;
import jakarta.validation.Payload;
import jakarta.validation.constraints.Pattern;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** A study id (a UUID) in a path: anything else is refused (400) before it reaches the database. */
@Pattern(regexp = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}",
        message = "'id' must be a study id (a UUID)")
@Constraint(validatedBy = {})
@Target({ElementType.PARAMETER, ElementType.FIELD})
@Retention(RetentionPolicy.RUNTIME)
public @interface StudyId {

    String message() default "'id' must be a study id (a UUID)";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
}
