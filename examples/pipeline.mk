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

SOURCES ?= sample_sources

.DELETE_ON_ERROR:
.PHONY: all extract filter import dedup decontaminate mix

IMPORTS := wikipedia books1 books2 webtext
all: mix
extract: $(OUT)/extract/manifest.json
filter: $(OUT)/filter/manifest.json
import: $(IMPORTS:%=$(OUT)/import/%/manifest.json)
dedup: $(OUT)/dedup/manifest.json
decontaminate: $(OUT)/decontaminate/manifest.json
mix: $(OUT)/mix/manifest.json

$(OUT)/extract/manifest.json:
	$(CK) extract $(WARCS) -o $(OUT)/extract $(EXEC)

$(OUT)/filter/manifest.json: $(OUT)/extract/manifest.json
	$(CK) filter $(OUT)/extract -o $(OUT)/filter --preset $(PRESET) --keep-rejected $(EXEC)

# The curated sources as dataset folders (Gutenberg framing and wiki markup removed).
$(OUT)/import/wikipedia/manifest.json:
	$(CK) import wikipedia $(SOURCES)/wiki/samplewiki-pages-articles.xml -o $(@D) $(EXEC)
$(OUT)/import/books%/manifest.json:
	$(CK) import books $(SOURCES)/books/books$* -o $(@D) $(EXEC)
$(OUT)/import/webtext/manifest.json:
	$(CK) import webtext $(SOURCES)/webtext/webtext.jsonl --url-list $(SOURCES)/webtext/urls.txt -o $(@D) $(EXEC)

# Within and across sources; a duplicate keeps the copy of the first source in --priority.
$(OUT)/dedup/manifest.json: $(OUT)/filter/manifest.json $(IMPORTS:%=$(OUT)/import/%/manifest.json)
	$(CK) dedup --url --input web=$(OUT)/filter $(foreach s,$(IMPORTS),--input $(s)=$(OUT)/import/$(s)) \
	    --priority wikipedia,books1,books2,webtext,web -o $(OUT)/dedup $(EXEC)

$(OUT)/decontaminate/manifest.json: $(OUT)/dedup/manifest.json
	$(CK) decontaminate apply $(OUT)/dedup --benchmark demo=$(SOURCES)/benchmarks/demo-benchmark.jsonl \
	    -o $(OUT)/decontaminate $(EXEC)

$(OUT)/mix/manifest.json: $(OUT)/decontaminate/manifest.json
	$(CK) mix --recipe $(RECIPE) -o $(OUT)/mix \
	    --web '$(OUT)/decontaminate/data/web__*.parquet' \
	    --webtext '$(OUT)/decontaminate/data/webtext__*.parquet' \
	    --books '$(OUT)/decontaminate/data/books1__*.parquet' \
	    --books '$(OUT)/decontaminate/data/books2__*.parquet' \
	    --wikipedia '$(OUT)/decontaminate/data/wikipedia__*.parquet' $(EXEC)
