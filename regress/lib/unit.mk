# Included by regress/<area>/Makefile for C unit tests built from the
# daemon's own sources.  The area sets REGRESS_TARGETS and its programs.
TOP	?= ../..
include $(TOP)/flags.mk
CFLAGS	+= -I$(TOP)/regress/lib

list:
	@echo $(REGRESS_TARGETS)

clean:
	rm -f $(CLEANFILES) *.o

.PHONY: list clean $(REGRESS_TARGETS)
