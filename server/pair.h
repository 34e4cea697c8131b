#ifndef PAIR_H
#define PAIR_H
#endif
