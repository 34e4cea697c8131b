#ifndef CMD_H
#define CMD_H
#endif
