#ifndef APP_H
#define APP_H
#endif
