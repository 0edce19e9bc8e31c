package io.transferlab.evaluator.rest;

import io.transferlab.evaluator.repository.TestSet;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;

@Path("/test-sets")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "test-sets", description = "Test parts the evaluator scores checkpoints on")
public class TestSetResource {

    @GET
    @Operation(summary = "The test sets recorded for a study")
    public List<TestSet> ofStudy(@QueryParam("studyId") String studyId) {
        if (studyId == null || studyId.isBlank()) {
            throw new BadRequestException("query parameter 'studyId' is required");
        }
        return TestSet.ofStudy(studyId);
    }
}
