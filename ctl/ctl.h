/*
 * ctl.h: pppoxctl's output, as text for people or JSON (-j) for scripts.
 */
#ifndef PPPOXCTL_CTL_H
#define PPPOXCTL_CTL_H

#include "imsg.h"

enum ctl_what {
	CTL_OUT_SESSIONS,
	CTL_OUT_SESSION,
	CTL_OUT_STATUS,
	CTL_OUT_RESULT,
};

struct ctl_output {
	int		 json;
	enum ctl_what	 what;
	int		 rows;
};

/* output.c */
void	 ctl_output_begin(struct ctl_output *);
void	 ctl_output_session(struct ctl_output *, const struct imsg *);
void	 ctl_output_status(struct ctl_output *, const struct imsg *);
int	 ctl_output_result(struct ctl_output *, const struct imsg *);
void	 ctl_output_end(struct ctl_output *);
void	 ctl_wait_readable(int);

#endif /* PPPOXCTL_CTL_H */
