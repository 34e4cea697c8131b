#ifndef ESCPOS_H
#define ESCPOS_H
#endif
