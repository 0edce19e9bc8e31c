package io.transferlab.gateway.rest;

import io.transferlab.platform.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.annotation.security.PermitAll;

import io.transferlab.gateway.mapping.ResultRow;
import io.transferlab.gateway.mapping.StudyRequest;
import io.transferlab.gateway.mapping.StudyVersion;
import io.transferlab.gateway.mapping.StudyView;
import io.transferlab.gateway.repository.Study;
import io.transferlab.gateway.repository.StudyRun;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import io.transferlab.gateway.mapping.StudyProgress;
import io.transferlab.gateway.service.StudyProgressStream;
import io.transferlab.gateway.service.StudyService;
import org.jboss.resteasy.reactive.RestStreamElementType;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.DefaultValue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.ws.rs.HeaderParam;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.core.Context;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;

@Path("/studies")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.VIEWER, Roles.RESEARCHER, Roles.ADMIN})
@Tag(name = "studies", description = "How much labelled data do you need? One study answers it for one dataset.")
public class StudyResource {

    @Inject
    StudyService studies;

    @Inject
    StudyProgressStream progress;

    @Inject
    io.transferlab.gateway.service.EvaluationReports reports;

    @POST
    @RolesAllowed({Roles.RESEARCHER, Roles.ADMIN})
    @Operation(summary = "Start a study: split the dataset, train and evaluate every run")
    @APIResponse(responseCode = "201", description = "The study, in state REQUESTED")
    @APIResponse(responseCode = "200", description = "The study an earlier POST with the same Idempotency-Key and"
            + " request created (header Idempotent-Replayed: true); nothing new was started")
    @APIResponse(responseCode = "400", description = "The request names something unusable; the message says what")
    @APIResponse(responseCode = "422", description = "The Idempotency-Key was used before with another request")
    public Response create(@Valid @NotNull(message = "a study request body is required") StudyRequest request,
                           @HeaderParam("Idempotency-Key") String idempotencyKey, @Context UriInfo uri) {
        StudyService.Created created;
        try {
            created = studies.create(request, idempotencyKey);
        } catch (jakarta.persistence.PersistenceException e) {
            // two POSTs with one key at the same moment: the unique key let one insert; the other gets its study
            Study winner = idempotencyKey == null ? null : studies.byIdempotencyKey(idempotencyKey);
            if (winner == null) {
                throw e;
            }
            created = studies.create(request, idempotencyKey);
        }
        Study study = created.study();
        java.net.URI location = uri.getBaseUriBuilder().path("studies").path(study.id).build();
        if (created.replayed()) {
            return Response.ok(StudyView.of(study, StudyRun.ofStudy(study.id))).location(location)
                    .header("Idempotent-Replayed", "true").build();
        }
        return Response.created(location).entity(StudyView.of(study, List.of())).build();
    }

    @ServerExceptionMapper
    public Response keyReused(StudyService.IdempotencyKeyReused e) {
        return io.transferlab.platform.rest.ErrorResponses.of(422, e.getMessage());
    }

    @POST
    @Path("/{id}/rerun")
    @RolesAllowed({Roles.RESEARCHER, Roles.ADMIN})
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Run a study again with the same request, as a new study that points to this one")
    @APIResponse(responseCode = "201", description = "The new study, in state REQUESTED")
    public Response rerun(@PathParam("id") @StudyId String id, @Context UriInfo uri) {
        Study rerun = studies.rerun(id);
        if (rerun == null) {
            throw new NotFoundException("no study " + id);
        }
        return Response.created(uri.getBaseUriBuilder().path("studies").path(rerun.id).build())
                .entity(StudyView.of(rerun, List.of())).build();
    }

    /** The most studies one page holds. */
    static final int MAX_PAGE_SIZE = 200;

    @GET
    @Operation(summary = "Studies, newest first, a page at a time (X-Total-Count: how many there are; Link: the next"
            + " page)")
    public Response list(@QueryParam("page") @DefaultValue("0") @Min(0) int page,
                         @QueryParam("size") @DefaultValue("50") @Min(1) @Max(MAX_PAGE_SIZE) int size,
                         @Context UriInfo uri) {
        var query = Study.<Study>find("order by createdAt desc, id");
        long total = query.count();
        List<StudyView> views = query.page(page, size).list().stream()
                .map(study -> StudyView.of(study, StudyRun.ofStudy(study.id))).toList();
        Response.ResponseBuilder response = Response.ok(views).header("X-Total-Count", total);
        if ((long) (page + 1) * size < total) {
            response.link(uri.getRequestUriBuilder().replaceQueryParam("page", page + 1)
                    .replaceQueryParam("size", size).build(), "next");
        }
        return response.build();
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "One study with the state of each of its runs")
    public StudyView one(@PathParam("id") @StudyId String id) {
        Study study = existing(id);
        return StudyView.of(study, StudyRun.ofStudy(id), studies.results(study));
    }

    @GET
    @Path("/{id}/training")
    @Operation(summary = "The training curves: per strategy and training set, the loss, validation loss and "
            + "validation accuracy of every epoch the trainer reported")
    public List<io.transferlab.gateway.mapping.TrainingCurveView> training(@PathParam("id") @StudyId String id) {
        Study study = existing(id);
        return studies.trainingCurves(study);
    }

    @GET
    @Path("/{id}/classes")
    @Operation(summary = "Per-class F1 of one strategy at each size (mean over seeds, worst first, with class names)"
            + " and the confusion matrix summed over seeds, from the evaluator's verified report files")
    public List<io.transferlab.gateway.mapping.ClassScoresView> classes(@PathParam("id") @StudyId String id,
                                                                       @QueryParam("strategy") String strategy) {
        Study study = existing(id);
        if (strategy == null || strategy.isBlank()) {
            throw new IllegalArgumentException("'strategy' is required (one of " + study.strategyList() + ")");
        }
        io.transferlab.core.study.Strategy.of(strategy);
        return reports.classScores(StudyRun.ofStudy(id), io.transferlab.gateway.repository.RunResult.ofStudy(id), strategy,
                io.transferlab.core.split.StudyPreset.named(study.preset).sizeNames());
    }

    @GET
    @Path("/{id}/versions")
    @Operation(summary = "The study and its reruns (by request or on a new dataset version), oldest first: the "
            + "dataset version each ran on and its results, for comparing versions")
    public List<StudyVersion> versions(@PathParam("id") @StudyId String id) {
        Study study = existing(id);
        return studies.family(study).stream()
                .map(s -> StudyVersion.of(StudyView.of(s, StudyRun.ofStudy(s.id), studies.results(s)), s)).toList();
    }

    @GET
    @Path("/{id}/results")
    @Produces({MediaType.APPLICATION_JSON, "text/csv"})
    @Operation(summary = "The study's results table: one row per strategy and training set (JSON, or CSV with"
            + " Accept: text/csv or ?format=csv)")
    public Response results(@PathParam("id") @StudyId String id, @QueryParam("format") String format,
                            @Context HttpHeaders headers) {
        Study study = existing(id);
        List<ResultRow> rows = studies.results(study);
        boolean csv = "csv".equalsIgnoreCase(format) || (format == null
                && headers.getAcceptableMediaTypes().stream().anyMatch(m -> "text".equals(m.getType()) && "csv".equals(m.getSubtype())));
        if (format != null && !csv && !"json".equalsIgnoreCase(format)) {
            throw new BadRequestException("unknown format '" + format + "' (json or csv)");
        }
        return csv
                ? Response.ok(ResultRow.csv(rows), "text/csv")
                        .header("Content-Disposition", "attachment; filename=\"study-" + id + "-results.csv\"").build()
                : Response.ok(rows, MediaType.APPLICATION_JSON).build();
    }

    @GET
    @Path("/{id}/report")
    @Produces(MediaType.TEXT_HTML)
    // a browser's navigation carries no bearer token: the page is public, every figure on it comes from the API,
    // which asks for the token the page signs in with
    @PermitAll
    @Operation(summary = "The study's report page: the results table and the seed's figures")
    @APIResponse(responseCode = "303", description = "To the report page of this study")
    public Response report(@PathParam("id") @StudyId String id) {
        return Response.seeOther(java.net.URI.create("/report.html?study=" + id)).build();
    }

    @GET
    @Path("/{id}/events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    @Blocking
    @Operation(summary = "Live progress of a study as Server-Sent Events: one event whenever it changes, until it"
            + " is complete or failed, or the stream's time is up (reconnect then); a few streams per client")
    @APIResponse(responseCode = "429", description = "This client already holds as many streams as it may")
    public Multi<StudyProgress> events(@PathParam("id") @StudyId String id,
                                       @Context io.vertx.core.http.HttpServerRequest request) {
        existing(id);
        String client = request.remoteAddress() == null ? "unknown" : request.remoteAddress().hostAddress();
        return progress.follow(id, client);
    }

    @ServerExceptionMapper
    public Response tooManyStreams(StudyProgressStream.TooManyStreams e) {
        return io.transferlab.platform.rest.ErrorResponses.of(429, e.getMessage());
    }

    private static Study existing(String id) {
        Study study = Study.findById(id);
        if (study == null) {
            throw new NotFoundException("no study " + id);
        }
        return study;
    }
}
