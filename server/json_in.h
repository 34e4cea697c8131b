#ifndef JSON_IN_H
#define JSON_IN_H
#endif
