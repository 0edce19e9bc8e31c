package io.transferlab.evaluator.rest;

import io.transferlab.evaluator.repository.Evaluation;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;

@Path("/evaluations")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "evaluations", description = "Scores of trained checkpoints on their test parts")
public class EvaluationResource {

    @GET
    @Operation(summary = "The evaluations of a study: micro/macro F1, per-class figures, confusion matrices")
    public List<Evaluation> ofStudy(@QueryParam("studyId") String studyId) {
        if (studyId == null || studyId.isBlank()) {
            throw new BadRequestException("query parameter 'studyId' is required");
        }
        return Evaluation.ofStudy(studyId);
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "One evaluation")
    public Evaluation one(@PathParam("id") long id) {
        Evaluation evaluation = Evaluation.findById(id);
        if (evaluation == null) {
            throw new NotFoundException("no evaluation " + id);
        }
        return evaluation;
    }
}
