/*
 * wire.h: the one bounds-checked reader and writer for packets.  Every
 * packet the session child parses or builds goes through these, so no
 * other code does pointer arithmetic on a packet buffer.
 *
 * Both sides are sticky: the first call that would run past the end sets
 * error, fails, and every later call fails too without touching memory.
 * A parser can therefore read a whole structure and check error once.
 * Every function returns 0 on success and -1 on failure.
 */
#ifndef PPPOXD_WIRE_H
#define PPPOXD_WIRE_H

#include <stddef.h>
#include <stdint.h>

struct wire_reader {
	const uint8_t	*p;		/* next unread octet */
	size_t		 len;		/* octets left after p */
	int		 error;		/* set on the first over-read */
};

struct wire_writer {
	uint8_t		*p;		/* start of the buffer */
	size_t		 cap;		/* its capacity */
	size_t		 len;		/* octets written so far */
	int		 error;		/* set on the first overflow */
};

/* wire.c */
void	 wire_reader_init(struct wire_reader *, const void *, size_t);
int	 wire_get_u8(struct wire_reader *, uint8_t *);
int	 wire_get_u16(struct wire_reader *, uint16_t *);
int	 wire_get_u32(struct wire_reader *, uint32_t *);
int	 wire_get_bytes(struct wire_reader *, void *, size_t);
int	 wire_get_ref(struct wire_reader *, const uint8_t **, size_t);
int	 wire_get_sub(struct wire_reader *, struct wire_reader *, size_t);
int	 wire_peek_u8(const struct wire_reader *, uint8_t *);
int	 wire_skip(struct wire_reader *, size_t);
size_t	 wire_left(const struct wire_reader *);
int	 wire_equal(const struct wire_reader *, const void *, size_t);
void	 wire_truncate(struct wire_reader *, size_t);

void	 wire_writer_init(struct wire_writer *, void *, size_t);
int	 wire_put_u8(struct wire_writer *, uint8_t);
int	 wire_put_u16(struct wire_writer *, uint16_t);
int	 wire_put_u32(struct wire_writer *, uint32_t);
int	 wire_put_bytes(struct wire_writer *, const void *, size_t);
int	 wire_put_reader(struct wire_writer *, const struct wire_reader *);
int	 wire_set_u8(struct wire_writer *, size_t, uint8_t);
int	 wire_set_u16(struct wire_writer *, size_t, uint16_t);
size_t	 wire_room(const struct wire_writer *);
void	 wire_rewind(struct wire_writer *, size_t);

void	 wire_printable(char *, size_t, const struct wire_reader *);

#endif /* PPPOXD_WIRE_H */
