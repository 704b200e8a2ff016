/* version.h - the version both programs print (--version) and the man
 * pages carry. */
#ifndef ROVMON_VERSION_H
#define ROVMON_VERSION_H

#define ROVMON_VERSION	"0.1.0"

#endif /* ROVMON_VERSION_H */
