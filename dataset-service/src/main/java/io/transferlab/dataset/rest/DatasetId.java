package io.transferlab.dataset.rest;

import jakarta.validation.Constraint;
import jakarta.validation.Payload;
import jakarta.validation.constraints.Pattern;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** A dataset id in a path (letters, digits, . _ -): anything else is refused (400) before it reaches the database. */
@Pattern(regexp = "[A-Za-z0-9._-]{1,200}", message = "'id' must be a dataset id (letters, digits, . _ -)")
@Constraint(validatedBy = {})
@Target({ElementType.PARAMETER, ElementType.FIELD})
@Retention(RetentionPolicy.RUNTIME)
public @interface DatasetId {

    String message() default "'id' must be a dataset id (letters, digits, . _ -)";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
}
