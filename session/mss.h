/*
 * mss.h: TCP MSS clamping of SYN segments on a session's data path.
 */
#ifndef PPPOXD_MSS_H
#define PPPOXD_MSS_H

#include <stddef.h>
#include <stdint.h>

int	mss_clamp(uint8_t *ip, size_t len, uint16_t mss);

#endif /* PPPOXD_MSS_H */
