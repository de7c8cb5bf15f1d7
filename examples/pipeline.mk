# The same stages as `corpuskit run examples/demo.toml`, as Make targets, so a pipeline can be
# driven by make (each target is a stage's manifest; a failed stage leaves no manifest, and
# rerunning make resumes it from its _done markers).
#
#   make -f examples/pipeline.mk                       # whole pipeline, embedded local cluster
#   make -f examples/pipeline.mk filter                # up to the filter stage
#   make -f examples/pipeline.mk SCHEDULER=tcp://10.0.0.5:8786 WARCS=warcs/ OUT=out/cc
CK ?= .venv/bin/corpuskit
WARCS ?= sample_warcs
OUT ?= out/pipeline
WORKERS ?= 2
EXECUTOR ?= dask
SCHEDULER ?=
PRESET ?= fineweb
RECIPE ?= sample_sources/demo-recipe.toml

EXEC := --executor $(EXECUTOR) --workers $(WORKERS) $(if $(SCHEDULER),--scheduler $(SCHEDULER))

.DELETE_ON_ERROR:
.PHONY: all extract filter dedup mix

all: mix
extract: $(OUT)/extract/manifest.json
filter: $(OUT)/filter/manifest.json
dedup: $(OUT)/dedup/manifest.json
mix: $(OUT)/mix/manifest.json

$(OUT)/extract/manifest.json:
	$(CK) extract $(WARCS) -o $(OUT)/extract $(EXEC)

$(OUT)/filter/manifest.json: $(OUT)/extract/manifest.json
	$(CK) filter $(OUT)/extract -o $(OUT)/filter --preset $(PRESET) --keep-rejected $(EXEC)

$(OUT)/dedup/manifest.json: $(OUT)/filter/manifest.json
	$(CK) dedup $(OUT)/filter -o $(OUT)/dedup --url $(EXEC)

$(OUT)/mix/manifest.json: $(OUT)/dedup/manifest.json
	$(CK) mix $(OUT)/dedup --recipe $(RECIPE) -o $(OUT)/mix
