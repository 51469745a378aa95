# The instructor's workflow for the graded exercises (nbgrader, in exercises/).
# Included by the root Makefile; every target runs from the repository root,
# and nbgrader itself runs in exercises/ as it requires.
#   make release [ROSTER=file]        student versions + one LMS zip each (ROSTER: also each student's own)
#   make collect ASSIGNMENT=a ZIP=f   submissions from an LMS download (zip)
#   make autograde ASSIGNMENT=a       grade every submission, one per core at a time, with
#                                     progress and a summary; students' code in the sandbox
#                                     (SANDBOX=off: not); WORKERS=n, SCHEDULER=tcp://host:8786
#                                     (a Dask cluster), DB_URL=postgresql://... (the gradebook),
#                                     KERNELS=cold (every kernel started afresh, not forked warm)
#   make feedback ASSIGNMENT=a        feedback files for students
#   make export                       all grades to exercises/grades.csv, every student with a status
#   make formgrader                   JupyterLab for the instructor, with formgrader (PORT=8888), as an
#                                     ordinary user: as root, the course's owner or FORMGRADER_USER
#   make student-jupyter              this environment's JupyterLab as students get it: Validate
#                                     and the assignment list, no instructor menus

COURSE       := exercises
STUDENT_BOOK := book/exercises/student
NBG_PATH     := PATH="$(CURDIR)/$(BIN):$$PATH"
NBGRADER     := cd $(COURSE) && $(NBG_PATH) $(CURDIR)/$(BIN)/nbgrader
CELL_TIMEOUT ?=
SANDBOX      ?= on
KERNELS      ?= warm
ASSIGNMENT   ?=
WORKERS      ?=
SCHEDULER    ?=
DB_URL       ?=
PORT         ?= 8888
# nbgrader's JupyterLab parts only instructors get; students keep Validate and the assignment list.
INSTRUCTOR_LAB_PLUGINS := @jupyter/nbgrader:formgrader @jupyter/nbgrader:create-assignment @jupyter/nbgrader:course-list
INSTRUCTOR_SERVER_EXTENSIONS := nbgrader.server_extensions.formgrader nbgrader.server_extensions.course_list
# Who runs formgrader when make runs as root (default: the course folder's owner).
FORMGRADER_USER ?=

.PHONY: release collect autograde feedback export formgrader sandbox-tools student-jupyter

define need_assignment
	@test -n "$(ASSIGNMENT)" || { echo "Say which assignment: make $@ ASSIGNMENT=<name> (one of: $$(ls $(COURSE)/source))"; exit 2; }
endef

release: setup
	$(NBG_PATH) $(BIN)/python -m coursegrading.release --course $(COURSE) --book $(STUDENT_BOOK) $(if $(ROSTER),--roster $(ROSTER))

# ZIP is the file downloaded from the LMS; its files are named
# <student>_<anything>_<notebook>.ipynb (see book/instructors/collect.md).
collect: setup
	$(call need_assignment)
	@test -n "$(ZIP)" || { echo "Say which LMS download: make collect ASSIGNMENT=$(ASSIGNMENT) ZIP=path/to/download.zip"; exit 2; }
	mkdir -p $(COURSE)/downloaded/$(ASSIGNMENT)/archive
	cp "$(ZIP)" $(COURSE)/downloaded/$(ASSIGNMENT)/archive/
	$(NBGRADER) zip_collect $(ASSIGNMENT) --force

# The sandbox needs bubblewrap: installed here when we may (root with apt), else one line says how.
sandbox-tools:
	@case "$(SANDBOX)" in on|off) ;; *) echo "SANDBOX must be on or off, not '$(SANDBOX)'"; exit 2;; esac
	@case "$(KERNELS)" in warm|cold) ;; *) echo "KERNELS must be warm or cold, not '$(KERNELS)'"; exit 2;; esac
	@if [ "$(SANDBOX)" = on ] && [ -z "$(SCHEDULER)" ] && ! command -v bwrap >/dev/null; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing bubblewrap (Debian's package) for the grading sandbox"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bubblewrap >/dev/null; \
	  else \
	    echo "make autograde needs bubblewrap for its sandbox: run 'sudo apt-get install bubblewrap' (or, for submissions you trust, SANDBOX=off)"; exit 2; \
	  fi; fi

autograde: setup sandbox-tools
	$(call need_assignment)
	$(NBG_PATH) $(BIN)/python -m coursegrading.autograde $(ASSIGNMENT) --course $(COURSE) \
		$(if $(CELL_TIMEOUT),--cell-timeout $(CELL_TIMEOUT)) \
		$(if $(WORKERS),--workers $(WORKERS)) \
		$(if $(SCHEDULER),--scheduler $(SCHEDULER)) \
		$(if $(DB_URL),--db-url $(DB_URL)) \
		$(if $(filter off,$(SANDBOX)),--no-sandbox) \
		$(if $(filter cold,$(KERNELS)),--cold-kernels)

feedback: setup
	$(call need_assignment)
	$(NBGRADER) generate_feedback $(ASSIGNMENT) --force

export: setup
	$(NBGRADER) export --to grades.csv
	@echo "Grades written to $(COURSE)/grades.csv"

# The instructor's JupyterLab: formgrader and the other instructor parts switched on for this server
# only (exercises/jupyter/instructor ranks above the environment's own settings), whatever
# `make student-jupyter` switched off for students. It shows students' work beside a server that
# runs anything as its user, so it runs as an ordinary user: started as root, as the course
# folder's owner (or FORMGRADER_USER); a course folder root owns is refused, saying what to do.
formgrader: setup
	@user="$(FORMGRADER_USER)"; run=""; allow=""; \
	if [ "$$(id -u)" = 0 ]; then \
	  if [ -z "$$user" ]; then user=$$(stat -c %U $(COURSE)); \
	    if [ "$$user" = root ]; then \
	      echo "make formgrader runs as an ordinary user, and $(COURSE) belongs to root: give the course to the user who grades"; \
	      echo "(chown -R grader $(COURSE)) or name one (FORMGRADER_USER=grader), or, at your own risk, FORMGRADER_USER=root"; exit 2; fi; fi; \
	  if [ "$$user" = root ]; then allow=--allow-root; \
	  else home=$$(getent passwd "$$user" | cut -d: -f6); \
	    [ -n "$$home" ] || { echo "FORMGRADER_USER: no user '$$user' on this machine"; exit 2; }; \
	    run="setpriv --reuid=$$user --regid=$$(id -g $$user) --init-groups env HOME=$$home USER=$$user"; fi; \
	fi; \
	echo "formgrader runs as $${user:-$$(id -un)}"; \
	cd $(COURSE) && JUPYTER_CONFIG_PATH="$(CURDIR)/exercises/jupyter/instructor$${JUPYTER_CONFIG_PATH:+:$$JUPYTER_CONFIG_PATH}" \
		$$run $(NBG_PATH) $(CURDIR)/$(BIN)/jupyter lab --port $(PORT) $$allow

# The environment as students get it: nbgrader's instructor parts switched off in the environment
# itself (sys-prefix), so every JupyterLab started from it shows Validate and the assignment list only.
student-jupyter: setup
	$(BIN)/jupyter labextension disable --level=sys_prefix $(INSTRUCTOR_LAB_PLUGINS)
	$(BIN)/jupyter server extension disable --sys-prefix $(INSTRUCTOR_SERVER_EXTENSIONS)
