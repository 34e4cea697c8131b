#ifndef HTTP_H
#define HTTP_H
#endif
