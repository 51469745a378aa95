# The instructor's workflow for the graded exercises (nbgrader, in exercises/).
# Included by the root Makefile; every target runs from the repository root,
# and nbgrader itself runs in exercises/ as it requires.
#   make release                      student versions + one LMS zip each
#   make collect ASSIGNMENT=a ZIP=f   submissions from an LMS download (zip)
#   make autograde ASSIGNMENT=a       grade every submission, with a summary,
#                                     students' code in the sandbox (SANDBOX=off: not)
#   make feedback ASSIGNMENT=a        feedback files for students
#   make export                       all grades to exercises/grades.csv

COURSE       := exercises
STUDENT_BOOK := book/exercises/student
NBG_PATH     := PATH="$(CURDIR)/$(BIN):$$PATH"
NBGRADER     := cd $(COURSE) && $(NBG_PATH) $(CURDIR)/$(BIN)/nbgrader
CELL_TIMEOUT ?=
SANDBOX      ?= on
ASSIGNMENT   ?=

.PHONY: release collect autograde feedback export formgrader

define need_assignment
	@test -n "$(ASSIGNMENT)" || { echo "Say which assignment: make $@ ASSIGNMENT=<name> (one of: $$(ls $(COURSE)/source))"; exit 2; }
endef

release: setup
	$(NBG_PATH) $(BIN)/python -m coursegrading.release --course $(COURSE) --book $(STUDENT_BOOK)

# ZIP is the file downloaded from the LMS; its files are named
# <student>_<anything>_<notebook>.ipynb (see book/instructors/collect.md).
collect: setup
	$(call need_assignment)
	@test -n "$(ZIP)" || { echo "Say which LMS download: make collect ASSIGNMENT=$(ASSIGNMENT) ZIP=path/to/download.zip"; exit 2; }
	mkdir -p $(COURSE)/downloaded/$(ASSIGNMENT)/archive
	cp "$(ZIP)" $(COURSE)/downloaded/$(ASSIGNMENT)/archive/
	$(NBGRADER) zip_collect $(ASSIGNMENT) --force

autograde: setup
	$(call need_assignment)
	@case "$(SANDBOX)" in on|off) ;; *) echo "SANDBOX must be on or off, not '$(SANDBOX)'"; exit 2;; esac
	$(NBG_PATH) $(BIN)/python -m coursegrading.autograde $(ASSIGNMENT) --course $(COURSE) \
		$(if $(CELL_TIMEOUT),--cell-timeout $(CELL_TIMEOUT)) \
		$(if $(filter off,$(SANDBOX)),--no-sandbox)

feedback: setup
	$(call need_assignment)
	$(NBGRADER) generate_feedback $(ASSIGNMENT) --force

export: setup
	$(NBGRADER) export --to grades.csv
	@echo "Grades written to $(COURSE)/grades.csv"

formgrader: setup
	cd $(COURSE) && $(NBG_PATH) $(CURDIR)/$(BIN)/jupyter lab
